export * from './gen/errno.js';
export * from './gen/syscalls_x86_64.js';
export * from './gen/syscalls_aarch64.js';
