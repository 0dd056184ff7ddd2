# The classic case: an API Gateway REST API with AWS_IAM authorization,
# called with the credentials of a named AWS profile.
#
#   sigrun run samples/api-gateway-iam --var api_id=a1b2c3d4e5 --var profile=ci
#
# Service (execute-api) and region are inferred from the host name. Behind a
# custom domain, set them in the auth block: service = "execute-api",
# region = "eu-west-1".

variable "api_id" {
  type        = string
  description = "The REST API's id, the first label of its execute-api host name"
}

variable "stage" {
  type    = string
  default = "prod"
}

variable "region" {
  type    = string
  default = "us-east-1"
}

variable "profile" {
  type        = string
  default     = "default"
  description = "AWS profile from ~/.aws/config (SSO, assume-role, static keys...)"
}

locals {
  base = "https://${var.api_id}.execute-api.${var.region}.amazonaws.com/${var.stage}"
}

credentials "ci" {
  profile = var.profile
}

endpoint "api" {
  url     = local.base
  timeout = "10s"

  auth "aws_sigv4" {
    credentials = credentials.ci
  }
}

request "list_pets" {
  endpoint = endpoint.api
  path     = "/pets"
  # sigrun sorts and encodes the query for the signature: no 403 from an
  # unsorted query or a space written as +.
  query = { type = "dog", sort = "name asc" }

  expect {
    status  = 200
    headers = { "content-type" = "application/json" }
  }
}

request "create_pet" {
  endpoint = endpoint.api
  method   = "POST"
  path     = "/pets"
  json     = { type = "dog", price = 249.99 }

  expect {
    status = [200, 201]
  }
}

request "get_pet" {
  endpoint = endpoint.api
  path     = "/pets/${request.create_pet.response.json.pet.id}"

  expect {
    status = 200
  }
}
