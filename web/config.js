// Deployment settings. Leave API_BASE empty to use the origin that serves this page
// (the API serves the app at /app/). Set it to e.g. "https://abc.execute-api.eu-west-1.amazonaws.com"
// when the files are hosted elsewhere. A "?api=<url>" query parameter overrides it for one visit.
window.API_BASE = "";
