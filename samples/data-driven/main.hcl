# Data-driven requests: one request per row of a CSV file, with for_each.
# Runs against the demo API:
#
#   sigrun demo --serve
#   sigrun run samples/data-driven --var base_url=http://127.0.0.1:PORT/demo

variable "base_url" {
  type = string
}

variable "access_key_id" {
  type    = string
  default = "AKIASIGRUNDEMO000001"
}

variable "secret_access_key" {
  type      = string
  default   = "sigrun/demo/secret/key/not+a+real+aws+k"
  sensitive = true
}

locals {
  # One instance per row; file() is relative to this folder.
  products = csvdecode(file("products.csv"))
}

credentials "demo" {
  access_key_id     = var.access_key_id
  secret_access_key = var.secret_access_key
}

endpoint "api" {
  url = var.base_url

  auth "aws_sigv4" {
    credentials = credentials.demo
    service     = "execute-api"
    region      = "us-east-1"
  }
}

# Instances are keyed by product name: request.create["lamp"].
request "create" {
  for_each = { for p in local.products : p.name => p }
  endpoint = endpoint.api
  method   = "POST"
  path     = "/items"
  json     = { name = each.key }

  expect {
    status = 201
    json   = { name = each.value.name }
  }
}

# One read per created item: for_each over the instances of another block.
request "read_back" {
  for_each = request.create
  endpoint = endpoint.api
  path     = "/items/${each.value.response.json.id}"

  expect {
    status = 200
    json   = { name = each.key }
  }
}

request "list" {
  endpoint   = endpoint.api
  path       = "/items"
  depends_on = [request.read_back]

  assert {
    condition     = response.json.count >= length(local.products)
    error_message = "expected at least ${length(local.products)} items, the API has ${response.json.count}"
  }
}

output "created_ids" {
  value = { for name, r in request.create : name => r.response.json.id }
}
