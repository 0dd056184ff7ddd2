# DESIGN.md section 1: for_each on a request, each.key and each.value in it,
# and request.NAME["KEY"].response from another request.
endpoint "api" {
  url = "https://example.com"
}

request "get" {
  for_each = { a = "1", b = "2" }
  endpoint = endpoint.api
  path     = "/items/${each.key}"
  query    = { v = each.value }

  expect {
    status = 200
  }
}

request "after" {
  endpoint = endpoint.api
  path     = "/after/${request.get["a"].response.json.id}"
}
