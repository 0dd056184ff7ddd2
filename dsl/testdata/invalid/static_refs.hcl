endpoint "api" {
  url = "https://example.com"

  auth "aws_sigv4" {
    credentials = credentials.ci.profile # ERROR: Invalid credentials reference # DETAIL: without quotes
  }
}

credentials "ci" {
  profile = "ci"
}

request "a" {
  endpoint = endpoint.api.url # ERROR: Invalid endpoint reference # DETAIL: The endpoint argument takes a reference written as endpoint.NAME
  url      = "https://example.com/a"
}

request "b" {
  endpoint = var.api # ERROR: Invalid endpoint reference
  url      = "https://example.com/b"
}

request "c" {
  endpoint = endpoint["api"] # ERROR: Invalid endpoint reference
  url      = "https://example.com/c"
}

request "d" {
  url = "https://example.com/d"

  auth "aws_sigv4" {
    credentials = "ci" # ERROR: Invalid credentials reference
  }
}

request "e" {
  url = "https://example.com/e"

  auth "aws_sigv4" {
    credentials = endpoint.api # ERROR: Invalid credentials reference
  }
}
