// Starts ReDoc from a file, not an inline script (see docs-init.js).
const el = document.getElementById("redoc");
Redoc.init(el.dataset.spec, {}, el);
