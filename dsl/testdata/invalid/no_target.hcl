request "get" { # ERROR: Request has no target # DETAIL: Request "get" needs an endpoint (endpoint = endpoint.NAME, with a path) or an absolute url.
  path = "/items"
}
