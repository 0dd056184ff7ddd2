# A second, independent branch: it runs in parallel with the items branch.

request "create_gadget" {
  endpoint = endpoint.api
  method   = "POST"
  path     = "/items"
  json     = { name = "gadget" }

  expect {
    status = 201
    json   = { name = "gadget" }
  }
}

request "get_gadget" {
  endpoint = endpoint.api
  path     = "/items/${request.create_gadget.response.json.id}"

  expect {
    status = [200, 304]
  }

  assert {
    condition     = response.json.name == "gadget"
    error_message = "the gadget must keep its name"
  }
}

# Sent without a signature: the API must refuse it, as API Gateway does.
request "unsigned_is_refused" {
  endpoint = endpoint.api
  path     = "/items"

  auth "none" {}

  expect {
    status = 403
    json   = { message = "Missing Authentication Token" }
  }
}
