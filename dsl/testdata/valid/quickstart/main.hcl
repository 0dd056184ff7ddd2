# The example of DESIGN.md section 1.
variable "stage" {
  type        = string
  default     = "prod"
  description = "API Gateway stage"
}

variable "api_id" { type = string }            # required: -var api_id=... or env

locals {
  base = "https://${var.api_id}.execute-api.us-east-1.amazonaws.com/${var.stage}"
}

credentials "ci" {
  profile = "ci"          # any source the AWS SDK's shared config supports
}

endpoint "api" {
  url     = local.base
  headers = { "x-api-version" = "2" }
  timeout = "10s"

  auth "aws_sigv4" {
    credentials = credentials.ci
    # service and region are inferred from the host when omitted
  }
}

request "create_item" {
  endpoint = endpoint.api
  method   = "POST"
  path     = "/items"
  query    = { b = "2", a = "x y" }   # encoded and sorted by the signer, never by the user
  json     = { name = "widget" }

  expect {
    status  = 201
    headers = { "content-type" = "application/json" }
    json    = { name = "widget" }          # subset match
  }

  assert {
    condition     = length(response.json.id) > 0
    error_message = "the API must return the new item's id"
  }
}

request "get_item" {
  endpoint = endpoint.api
  path     = "/items/${request.create_item.response.json.id}"   # an edge in the graph

  retry {
    attempts = 10
    interval = "1s"
    until    = response.status == 200
  }
}

output "item_id" { value = request.create_item.response.json.id }
