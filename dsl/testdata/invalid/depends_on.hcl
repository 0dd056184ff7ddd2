request "a" {
  url = "https://example.com/a"
}

request "b" {
  url        = "https://example.com/b"
  depends_on = ["request.a"] # ERROR: Invalid depends_on reference # DETAIL: request.NAME, without quotes
}

request "c" {
  url = "https://example.com/c"
  depends_on = [
    request.a,
    var.x,                # ERROR: Invalid depends_on reference
    request.a.response,   # ERROR: Invalid depends_on reference # COL: 5
    request,              # ERROR: Invalid depends_on reference
    endpoint.api,         # ERROR: Invalid depends_on reference
  ]
}

request "d" {
  url        = "https://example.com/d"
  depends_on = request.a # ERROR: Invalid expression
}
