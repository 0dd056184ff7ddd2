request "a" {
  url  = "https://example.com/"
  body = "raw"
  json = { a = 1 } # ERROR: Conflicting body arguments # DETAIL: this one has both body (line 3) and json. # COL: 3
}

request "b" {
  url       = "https://example.com/"
  json      = { a = 1 }
  form      = { a = "1" } # ERROR: Conflicting body arguments # DETAIL: both json (line 9) and form
  body_file = "x.bin" # ERROR: Conflicting body arguments # DETAIL: both json (line 9) and body_file
}
