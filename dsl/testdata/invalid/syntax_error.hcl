request "get" {
  url    = "https://example.com/"
  method = # ERROR: Invalid expression
}
