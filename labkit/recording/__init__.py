"""Record and replay: recorded Azure answers per notebook step, scrubbed of secrets."""
