"""One module per endpoint, each with the one `router` its Lambda function serves.

Keep this file empty: importing a route must not import the others (cold start).
"""
