// Vite turns CSS imports into <style>/<link> tags; TypeScript only needs to know they exist.
declare module '*.css';
