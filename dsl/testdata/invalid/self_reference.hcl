request "me" {
  url  = "https://example.com/"
  body = request.me.response.body # ERROR: Self-referential request # DETAIL: Request "me" cannot refer to itself.

  assert {
    condition     = request.me.response.status == 200 # ERROR: Self-referential request # DETAIL: Inside its own expect, assert and retry blocks, a request's response is just "response".
    error_message = "x"
  }
}
