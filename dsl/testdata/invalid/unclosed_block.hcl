request "get" { # ERROR: Unclosed configuration block
  url = "https://example.com/"
