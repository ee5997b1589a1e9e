/* RequireJS (placeholder for the vendored library) */
