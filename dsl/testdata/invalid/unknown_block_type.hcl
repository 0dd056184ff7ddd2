requets "get" { # ERROR: Unsupported block type # DETAIL: Did you mean "request"?
  path = "/"
}

endpoint "api" {
  url = "https://example.com"
}

request "get" {
  endpoint = endpoint.api
  path     = "/"

  expects { # ERROR: Unsupported block type # DETAIL: Did you mean "expect"?
    status = 200
  }

  json { # ERROR: Unsupported block type
    a = 1
  }
}

variable "v" {
  validaton { # ERROR: Unsupported block type # DETAIL: Did you mean "validation"?
    condition     = true
    error_message = "x"
  }
}
