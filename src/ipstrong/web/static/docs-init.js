// Starts Swagger UI from a file, not an inline script, so the content security policy can forbid inline code.
const el = document.getElementById("swagger-ui");
window.ui = SwaggerUIBundle({ url: el.dataset.spec, dom_id: "#swagger-ui" });
