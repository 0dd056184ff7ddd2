endpoint "api" {
  url = "https://example.com"
}

request "get" {
  endpoint = endpoint.api
  path     = "/items"
  url      = "https://example.org/items" # ERROR: Conflicting path and url
}
