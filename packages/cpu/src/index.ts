export * from './cpu.js';
export * from './memory.js';
export * from './tcache.js';
