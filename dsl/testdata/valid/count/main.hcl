# DESIGN.md section 1: count on a request and count.index in it.
request "page" {
  count = 3
  url   = "https://example.com/items?page=${count.index}"
}
