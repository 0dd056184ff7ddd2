endpoint "api" {
  url = "https://example.com"

  auth "bearer" {
    token = "a"
  }

  auth "none" { # ERROR: Duplicate auth block # DETAIL: Only one auth block is allowed here.
  }
}

request "get" {
  endpoint = endpoint.api
  path     = "/"

  expect {
    status = 200
  }

  expect { # ERROR: Duplicate expect block # DETAIL: Only one expect block is allowed here.
    status = 201
  }

  auth "none" {}

  auth "bearer" { # ERROR: Duplicate auth block
    token = "b"
  }

  retry {
    attempts = 2
  }

  retry { # ERROR: Duplicate retry block
    attempts = 3
  }

  assert {
    condition     = true
    error_message = "one"
  }

  assert {
    condition     = true
    error_message = "two, assert is repeatable"
  }
}
