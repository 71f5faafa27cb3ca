// The web console: static files built here and served by apps/api. Nothing is built yet; the
// console arrives with the API.
export {};
