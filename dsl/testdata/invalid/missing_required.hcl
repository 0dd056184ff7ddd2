endpoint "api" { # ERROR: Missing required argument # DETAIL: The argument "url" is required, but no definition was found. # COL: 16
  headers = { a = "b" }
}

request "get" {
  url = "https://example.com/"

  assert { # ERROR: Missing required argument # DETAIL: The argument "condition" is required
    error_message = "x"
  }

  assert { # ERROR: Missing required argument # DETAIL: The argument "error_message" is required
    condition = true
  }

  retry { # ERROR: Missing required argument # DETAIL: "attempts"
    interval = "1s"
  }

  auth "basic" { # ERROR: Missing required argument # DETAIL: "password"
    username = "u"
  }
}

request "key" {
  url = "https://example.com/"

  auth "api_key" { # ERROR: Missing required argument # DETAIL: "value"
    name = "x-api-key"
  }
}

request "tok" {
  url = "https://example.com/"

  auth "bearer" { # ERROR: Missing required argument # DETAIL: "token"
  }
}

output "o" { # ERROR: Missing required argument # DETAIL: "value"
  description = "nothing"
}

variable "v" {
  validation { # ERROR: Missing required argument # DETAIL: "condition"
    error_message = "x"
  }
}
