// Package monitor owns hearth's HTTP endpoints for operators: /healthz (is
// the gateway connected, does the database answer, how late is delivery) and
// /metrics in the Prometheus text format (interactions by route and outcome,
// handler latency, Discord REST responses by status and the invalid requests
// Discord bans for, the delivery queue and the open alerts).
//
// It is the only package that imports the Prometheus client. The bot reports
// to it through bot.Observer (which *Monitor implements); the queue and alert
// gauges are read from the store at scrape time. Metrics carry routes,
// outcomes and counts, never ids or content.
package monitor
