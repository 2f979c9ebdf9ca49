# Entry point of tests/images/Dockerfile.scratch: writes the sample app's page for this
# container (same HTML as page() in notebooks/app/app.py), then serves it with busybox httpd.
# Only shell builtins and explicit busybox applets: the image has no /bin/sh or PATH tools.
set -eu
bb=/bin/busybox
name="AKS workbook sample app"
host=$($bb hostname)

$bb mkdir -p /www
printf '<!doctype html>\n<html><head><meta charset="utf-8"><title>%s</title></head>\n<body>\n<h1>%s</h1>\n<p>Version: <code>%s</code></p>\n<p>Host: <code>%s</code></p>\n</body></html>\n' \
    "$name" "$name" "$APP_VERSION" "$host" >/www/index.html
printf 'ok\n' >/www/healthz

echo "$name $APP_VERSION listening on port $PORT (host $host)"
exec $bb httpd -f -v -p "$PORT" -h /www
