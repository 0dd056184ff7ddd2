endpoint "api" { # ERROR: Missing required argument # DETAIL: The argument "url" is required
  urll    = "https://example.org" # ERROR: Unsupported argument # DETAIL: Did you mean "url"? # COL: 3
  timeout = "1s"
}

request "get" {
  endpoint = endpoint.api
  methd    = "GET" # ERROR: Unsupported argument # DETAIL: An argument named "methd" is not expected here. Did you mean "method"? # COL: 3
  path     = "/"

  expect {
    stauts = 200 # ERROR: Unsupported argument # DETAIL: Did you mean "status"?
  }
}

variable "stage" {
  typ = string # ERROR: Unsupported argument # DETAIL: Did you mean "type"?
}

credentials "ci" {
  profle = "ci" # ERROR: Unsupported argument # DETAIL: Did you mean "profile"?
}

output "o" {
  value     = "x"
  sensitiv = true # ERROR: Unsupported argument # DETAIL: Did you mean "sensitive"?
}

stage = "prod" # ERROR: Unsupported argument
