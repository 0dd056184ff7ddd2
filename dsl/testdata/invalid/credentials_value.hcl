credentials "ci" {
  profile = "ci"
}

locals {
  creds = credentials.ci # ERROR: Credentials are not values # DETAIL: credentials.ci can be named only in an aws_sigv4 auth block's credentials argument (credentials = credentials.ci); it cannot be used in a local value's expressions.
}

request "get" {
  url     = "https://example.com/"
  headers = { profile = credentials.ci.profile } # ERROR: Credentials are not values # DETAIL: request "get"'s expressions
}
