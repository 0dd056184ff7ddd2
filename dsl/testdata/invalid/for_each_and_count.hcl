request "both" {
  for_each = toset(["a"])
  count    = 1 # ERROR: Conflicting for_each and count
  url      = "https://example.com/"
}
