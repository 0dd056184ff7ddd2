variable "stage" {
  type        = string
  default     = "prod"
  description = "API Gateway stage"
}

variable "api_id" {
  type = string
}

variable "token" {
  type      = string
  sensitive = true
  default   = "s3cr3t"

  validation {
    condition     = length(var.token) > 3
    error_message = "the token is too short"
  }

  validation {
    condition     = can(regex("^[a-z0-9]+$", var.token))
    error_message = "the token must be lower-case letters and digits"
  }
}

variable "ports" {
  type    = list(number)
  default = [80, "443"]
}

variable "anything" {}

locals {
  base   = "https://${var.api_id}.example.com/${var.stage}"
  ua     = "sigrun"
}

credentials "static" {
  access_key_id     = "AKIDEXAMPLE"
  secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
  session_token     = "token"
  region            = "eu-west-1"
}

credentials "files" {
  profile                  = "ci"
  shared_config_files      = ["conf"]
  shared_credentials_files = ["creds"]
}

endpoint "api" {
  url     = local.base
  headers = { "user-agent" = local.ua }
  timeout = "10s"

  auth "aws_sigv4" {
    credentials      = credentials.static
    service          = "execute-api"
    region           = "us-east-1"
    unsigned_payload = false
  }
}

endpoint "plain" {
  url = "https://plain.example.com"
}

request "create" {
  endpoint = endpoint.api
  method   = "POST"
  path     = "/items"
  query    = { b = "2", a = ["x", "y"] }
  headers  = { "x-trace" = "1" }
  json     = { name = "widget" }
  timeout  = "5s"
  tags     = ["smoke", "write"]

  expect {
    status        = [200, 201]
    headers       = { "content-type" = "application/json" }
    json          = { name = "widget" }
    body_contains = "widget"
    body_matches  = "^\\{"
    max_duration  = "2s"
  }

  assert {
    condition     = length(response.json.id) > 0
    error_message = "the API must return the new item's id"
  }

  assert {
    condition     = response.duration_ms < 2000
    error_message = "too slow: ${response.duration_ms}ms"
  }

  retry {
    attempts = 3
    interval = "1s"
    until    = response.status != 503
  }
}

request "raw" {
  url        = "https://other.example.com/raw"
  body       = "hello"
  depends_on = [request.create, request.form]

  auth "bearer" {
    token = var.token
  }
}

request "form" {
  endpoint = endpoint.plain
  path     = "/form"
  form     = { a = "1" }

  auth "none" {}
}

request "upload" {
  endpoint  = endpoint.plain
  method    = "PUT"
  path      = "/upload"
  body_file = "payload.bin"
}

output "item_id" {
  value       = request.create.response.json.id
  description = "the new item's id"
  sensitive   = true
}

output "plain" {
  value = "x"
}
