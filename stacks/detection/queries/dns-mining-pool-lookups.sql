-- DNS lookups of well-known mining-pool names from the workload VPCs in the last 7 days, per instance and name (Resolver query logs).
SELECT account,
       vpc_id,
       srcids.instance AS instance_id,
       srcaddr,
       lower(query_name) AS query_name,
       count(*) AS lookups,
       min(query_timestamp) AS first_seen,
       max(query_timestamp) AS last_seen,
       array_join(array_distinct(flatten(array_agg(transform(answers, a -> a.rdata)))), ', ') AS resolved_to
FROM resolver_query_logs
WHERE log_date >= date_format(current_date - INTERVAL '7' DAY, '%Y/%m/%d')
  AND regexp_like(lower(query_name), '(^|\.)(pool|xmr|monero|nanopool|supportxmr|minexmr|2miners|hashvault|c3pool|moneroocean|f2pool|ethermine|nicehash|unmineable|herominers|minergate)[a-z0-9.-]*\.?$|(^|\.)(pool|mine|xmr)\.')
GROUP BY account, vpc_id, srcids.instance, srcaddr, lower(query_name)
ORDER BY lookups DESC
