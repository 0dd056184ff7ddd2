# An Amazon OpenSearch Service domain with fine-grained access control,
# signed with the default credential chain (environment, profile, SSO,
# instance role...). The signing service, es, is inferred from the host.
#
#   sigrun run samples/opensearch --var domain=search-logs-abc123.eu-west-1.es.amazonaws.com

variable "domain" {
  type        = string
  description = "The domain endpoint's host name"
}

endpoint "search" {
  url = "https://${var.domain}"

  auth "aws_sigv4" {}
}

request "cluster_health" {
  endpoint = endpoint.search
  path     = "/_cluster/health"

  expect {
    status = 200
  }

  assert {
    condition     = contains(["green", "yellow"], response.json.status)
    error_message = "the cluster must not be red"
  }
}

request "index_document" {
  endpoint = endpoint.search
  method   = "PUT"
  path     = "/sigrun-smoke/_doc/1"
  json     = { message = "hello from sigrun", level = "info" }

  expect {
    status = [200, 201]
  }
}

# An index pattern with * in the path and a query with spaces and a colon:
# both are encoded for the signature the way OpenSearch expects.
request "search_errors" {
  endpoint   = endpoint.search
  path       = "/sigrun-*/_search"
  query      = { q = "level:info AND message:hello", size = "5" }
  depends_on = [request.index_document]

  expect {
    status = 200
  }
}
