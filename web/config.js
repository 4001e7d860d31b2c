// Deployment settings. Leave API_BASE empty to use the origin that serves this page
// (the API serves the app at /app/). Set it to e.g. "https://abc.execute-api.eu-west-1.amazonaws.com"
// when the files are hosted elsewhere.
window.API_BASE = "";
// A "?api=<url>" query parameter overrides API_BASE for one visit, but only towards this page's own
// origin, API_BASE's, or one listed here (scheme://host[:port], e.g. "https://staging-api.example.com"):
// the app sends the recruiter's API key and the candidate's token to that API, so any other is refused.
window.ALLOWED_API_ORIGINS = [];
