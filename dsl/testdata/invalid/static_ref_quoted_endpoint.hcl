endpoint "api" {
  url = "https://example.com"
}

# The user did give an endpoint, only written wrongly: one error, not a
# second "Request has no target" about the same mistake.
request "get" {
  endpoint = "api" # ERROR: Invalid endpoint reference # DETAIL: without quotes
  path     = "/"
}
