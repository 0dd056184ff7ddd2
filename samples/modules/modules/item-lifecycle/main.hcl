# Creates an item, reads it back and deletes it, against the demo API.

variable "base_url" {
  type = string
}

variable "name" {
  type = string

  validation {
    condition     = length(var.name) > 0
    error_message = "an item needs a name"
  }
}

credentials "demo" {
  access_key_id     = "AKIASIGRUNDEMO000001"
  secret_access_key = "sigrun/demo/secret/key/not+a+real+aws+k"
}

endpoint "api" {
  url = var.base_url

  auth "aws_sigv4" {
    credentials = credentials.demo
    service     = "execute-api"
    region      = "us-east-1"
  }
}

request "create" {
  endpoint = endpoint.api
  method   = "POST"
  path     = "/items"
  json     = { name = var.name }

  expect {
    status = 201
  }
}

request "read" {
  endpoint = endpoint.api
  path     = "/items/${request.create.response.json.id}"

  expect {
    json = { name = var.name }
  }
}

request "delete" {
  endpoint   = endpoint.api
  method     = "DELETE"
  path       = "/items/${request.create.response.json.id}"
  depends_on = [request.read]

  expect {
    status = 204
  }
}

output "id" {
  value = request.create.response.json.id
}
