// Starts Swagger UI on /docs; a file rather than an inline script, so that the page's policy forbids inline scripts.
window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true});
