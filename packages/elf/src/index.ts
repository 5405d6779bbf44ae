export * from './errors.js';
export * from './consts.js';
export * from './parse.js';
export * from './stack.js';
export * from './memory.js';
export * from './load.js';
export * from './diagram.js';
