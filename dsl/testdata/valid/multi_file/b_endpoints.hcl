# Refers to a local of a_variables.hcl and to credentials of c_requests.hcl:
# references work across the files of a collection in any direction.
endpoint "api" {
  url = local.base

  auth "aws_sigv4" {
    credentials = credentials.ci
    service     = "execute-api"
    region      = "us-east-1"
  }
}

request "first" {
  endpoint = endpoint.api
  path     = "/first"
}
