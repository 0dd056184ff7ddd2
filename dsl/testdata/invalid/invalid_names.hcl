variable "1stage" { # ERROR: Invalid variable name # DETAIL: "1stage" is not a valid name.
  default = "prod"
}

credentials "ci prod" { # ERROR: Invalid credentials name
  profile = "ci"
}

endpoint "api.v2" { # ERROR: Invalid endpoint name
  url = "https://example.com"
}

request "" { # ERROR: Invalid request name
  url = "https://example.com/"
}

request "get/item" { # ERROR: Invalid request name
  url = "https://example.com/"
}

output "$id" { # ERROR: Invalid output name
  value = "a"
}

# Dashes are allowed, as in Terraform.
request "get-item" {
  url = "https://example.com/"
}
