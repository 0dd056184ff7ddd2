locals {
  status = response.status # ERROR: Invalid use of "response" # DETAIL: it cannot be used in a local value. To use a request's response elsewhere, write request.NAME.response.
}

endpoint "api" {
  url     = "https://example.com"
  headers = { x = response.headers["x"] } # ERROR: Invalid use of "response" # DETAIL: it cannot be used in an endpoint.
}

request "get" {
  endpoint = endpoint.api
  path     = "/${response.json.id}" # ERROR: Invalid use of "response" # DETAIL: it cannot be used in request "get". A request's other arguments are evaluated before it is sent. # COL: 18

  expect {
    status = response.status == 0 ? 200 : 201
  }

  assert {
    condition     = response.status == 200
    error_message = "got ${response.status}"
  }

  retry {
    attempts = 3
    until    = response.status == 200
  }
}

output "status" {
  value = response.status # ERROR: Invalid use of "response" # DETAIL: it cannot be used in an output.
}
