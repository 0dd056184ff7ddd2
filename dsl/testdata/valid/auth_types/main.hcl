credentials "default_chain" {}

endpoint "sigv4_default_chain" {
  url = "https://abc.execute-api.us-east-1.amazonaws.com/prod"

  auth "aws_sigv4" {}
}

endpoint "sigv4" {
  url = "https://search-x.us-east-1.es.amazonaws.com"

  auth "aws_sigv4" {
    credentials      = credentials.default_chain
    service          = "es"
    region           = "us-east-1"
    unsigned_payload = true
  }
}

endpoint "bearer" {
  url = "https://api.example.com"

  auth "bearer" {
    token = "t0ken"
  }
}

endpoint "basic" {
  url = "https://api.example.com"

  auth "basic" {
    username = "user"
    password = "pass"
  }
}

endpoint "api_key" {
  url = "https://api.example.com"

  auth "api_key" {
    name  = "api_key"
    value = "k3y"
    in    = "query"
  }
}

request "unsigned" {
  endpoint = endpoint.sigv4
  path     = "/_cluster/health"

  auth "none" {}
}
