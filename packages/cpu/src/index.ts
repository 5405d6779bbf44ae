export * from './cpu.js';
export * from './memory.js';
