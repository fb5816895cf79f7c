// Owns: the types of what Vite imports besides code (the stylesheet).
/// <reference types="vite/client" />
