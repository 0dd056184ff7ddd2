endpoint "api" {
  url = "https://example.com"

  auth "aws_sigv5" { # ERROR: Unknown auth type # DETAIL: Did you mean "aws_sigv4"? # COL: 8
  }
}

request "get" {
  endpoint = endpoint.api
  path     = "/"

  auth "baerer" { # ERROR: Unknown auth type # DETAIL: Did you mean "bearer"?
    token = "t"
  }
}

request "other" {
  url = "https://example.com/"

  auth "oauth2" { # ERROR: Unknown auth type # DETAIL: sigrun knows the auth types "api_key", "aws_sigv4", "basic", "bearer" and "none".
  }
}
