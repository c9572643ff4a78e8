Creator "liqnet network (MODEL.md s2): attributes in docs/network.md"
Version 1
graph
[
  directed 1
  node
  [
    id 0
    kind "asset"
    name "WETH"
    price 2000
    market_depth 50000
    market_resilience 0.1
  ]
  node
  [
    id 1
    kind "asset"
    name "USDC"
    price 1
    market_depth INF
    market_resilience 0
  ]
  node
  [
    id 2
    kind "asset"
    name "DAI"
    price 1
    market_depth INF
    market_resilience 0
  ]
  node
  [
    id 3
    kind "asset"
    name "LUSD"
    price 1
    market_depth INF
    market_resilience 0
  ]
  node
  [
    id 4
    kind "pool"
    name "WETH-USDC"
    pool_kind "constant_product"
    token0 "WETH"
    token1 "USDC"
    reserve0 2000
    reserve1 4000000
    fee 0.003
    arbitrage 1
  ]
  node
  [
    id 5
    kind "pool"
    name "WETH-DAI"
    pool_kind "constant_product"
    token0 "WETH"
    token1 "DAI"
    reserve0 1500
    reserve1 3000000
    fee 0.003
    arbitrage 1
  ]
  node
  [
    id 6
    kind "pool"
    name "WETH-LUSD"
    pool_kind "constant_product"
    token0 "WETH"
    token1 "LUSD"
    reserve0 1000
    reserve1 2000000
    fee 0.003
    arbitrage 1
  ]
  node
  [
    id 7
    kind "oracle"
    name "USD"
    source "market"
    heartbeat 1
    deviation 0
    latency 0
    window 1
  ]
  node
  [
    id 8
    kind "oracle"
    name "DAI-O"
    source "market"
    heartbeat 1
    deviation 0
    latency 0
    window 1
  ]
  node
  [
    id 9
    kind "oracle"
    name "LUSD-O"
    source "market"
    heartbeat 1
    deviation 0
    latency 0
    window 1
  ]
  node
  [
    id 10
    kind "oracle"
    name "ETH"
    source "market"
    heartbeat 1
    deviation 0.005
    latency 0
    window 1
  ]
  node
  [
    id 11
    kind "protocol"
    name "Lender"
    protocol_kind "lending"
    debt_asset "USDC"
    debt_oracle "USD"
    insurance_fund 0
    gas_cost 2
    min_profit 1
    max_liquidations 50
    accounts 300
    chain "arbitrum"
    keepers__congestion 0.01
    keepers__anticipate_slippage "true"
    keepers__capital 5000000
    breaker__drop 0.2
    breaker__window 10
    breaker__pause 20
    breaker__cap 3
    dynamic_penalty__reference_volatility 0.001
    dynamic_penalty__window 5
    dynamic_penalty__max_scale 1.5
  ]
  node
  [
    id 12
    kind "protocol"
    name "Maker"
    protocol_kind "lending"
    debt_asset "DAI"
    debt_oracle "DAI-O"
    insurance_fund 100000
    gas_cost 0
    min_profit 0
    max_liquidations INF
    accounts 200
    liquidation__mode "dutch_auction"
    liquidation__chop 1.13
    liquidation__buf 1.2
    liquidation__tail 30
    liquidation__cusp 0.4
    liquidation__tip 300
    liquidation__chip 0.002
    liquidation__curve "linear"
    liquidation__tau 600
    liquidation__hole 4000000
    liquidation__keeper_capital 1000000
  ]
  node
  [
    id 13
    kind "protocol"
    name "Clipper"
    protocol_kind "lending"
    debt_asset "DAI"
    debt_oracle "DAI-O"
    insurance_fund 0
    gas_cost 0
    min_profit 0
    max_liquidations INF
    accounts 200
    breaker__drop 0.5
    breaker__window 300
    breaker__pause 7200
    breaker__cap 0
    liquidation__mode "dutch_auction"
    liquidation__chop 1.13
    liquidation__buf 1.1
    liquidation__tail 600
    liquidation__cusp 0.45
    liquidation__tip 250
    liquidation__chip 0.001
    liquidation__curve "stairstep"
    liquidation__hole INF
    liquidation__keeper_capital INF
    liquidation__step 90
    liquidation__cut 0.99
  ]
  node
  [
    id 14
    kind "protocol"
    name "AaveV3"
    protocol_kind "lending"
    debt_asset "USDC"
    debt_oracle "USD"
    insurance_fund 0
    gas_cost 1
    min_profit 0
    max_liquidations INF
    accounts 300
    chain "arbitrum"
    keepers__congestion 0.02
    keepers__anticipate_slippage "true"
    dynamic_penalty__reference_volatility 0.002
    dynamic_penalty__window 300
    dynamic_penalty__max_scale 2
  ]
  node
  [
    id 15
    kind "protocol"
    name "Liquity"
    protocol_kind "lending"
    debt_asset "LUSD"
    debt_oracle "LUSD-O"
    insurance_fund 0
    gas_cost 5
    min_profit 0
    max_liquidations INF
    accounts 200
    stability_pool__deposits 500000
    stability_pool__gas_compensation 200
    stability_pool__gas_compensation_share 0.005
    stability_pool__sell_share 0.1
    stability_pool__recovery_mode__ccr 1.5
  ]
  edge
  [
    source 4
    target 0
    kind "trades"
    role "token0"
  ]
  edge
  [
    source 4
    target 1
    kind "trades"
    role "token1"
  ]
  edge
  [
    source 5
    target 0
    kind "trades"
    role "token0"
  ]
  edge
  [
    source 5
    target 2
    kind "trades"
    role "token1"
  ]
  edge
  [
    source 6
    target 0
    kind "trades"
    role "token0"
  ]
  edge
  [
    source 6
    target 3
    kind "trades"
    role "token1"
  ]
  edge
  [
    source 7
    target 1
    kind "reads"
  ]
  edge
  [
    source 8
    target 2
    kind "reads"
  ]
  edge
  [
    source 9
    target 3
    kind "reads"
  ]
  edge
  [
    source 10
    target 0
    kind "reads"
  ]
  edge
  [
    source 11
    target 0
    kind "market"
    role "collateral"
    liquidation_threshold 0.83
    liquidation_bonus 0.05
    close_factor 0.5
    full_close_health 0.95
    routing "weight"
  ]
  edge
  [
    source 11
    target 10
    kind "uses_oracle"
    role "collateral"
  ]
  edge
  [
    source 11
    target 4
    kind "routes"
    weight 1
  ]
  edge
  [
    source 11
    target 1
    kind "market"
    role "debt"
  ]
  edge
  [
    source 11
    target 7
    kind "uses_oracle"
    role "debt"
  ]
  edge
  [
    source 12
    target 0
    kind "market"
    role "collateral"
    liquidation_threshold 0.66
    liquidation_bonus 0.13
    close_factor 1
    full_close_health 0.95
    routing "weight"
  ]
  edge
  [
    source 12
    target 10
    kind "uses_oracle"
    role "collateral"
  ]
  edge
  [
    source 12
    target 5
    kind "routes"
    weight 1
  ]
  edge
  [
    source 12
    target 2
    kind "market"
    role "debt"
  ]
  edge
  [
    source 12
    target 8
    kind "uses_oracle"
    role "debt"
  ]
  edge
  [
    source 13
    target 0
    kind "market"
    role "collateral"
    liquidation_threshold 0.7
    liquidation_bonus 0.1
    close_factor 0.5
    full_close_health 0.95
    routing "weight"
  ]
  edge
  [
    source 13
    target 10
    kind "uses_oracle"
    role "collateral"
  ]
  edge
  [
    source 13
    target 5
    kind "routes"
    weight 1
  ]
  edge
  [
    source 13
    target 2
    kind "market"
    role "debt"
  ]
  edge
  [
    source 13
    target 8
    kind "uses_oracle"
    role "debt"
  ]
  edge
  [
    source 14
    target 0
    kind "market"
    role "collateral"
    liquidation_threshold 0.8
    liquidation_bonus 0.075
    close_factor 0.5
    full_close_health 0.95
    routing "weight"
  ]
  edge
  [
    source 14
    target 10
    kind "uses_oracle"
    role "collateral"
  ]
  edge
  [
    source 14
    target 4
    kind "routes"
    weight 1
  ]
  edge
  [
    source 14
    target 1
    kind "market"
    role "debt"
  ]
  edge
  [
    source 14
    target 7
    kind "uses_oracle"
    role "debt"
  ]
  edge
  [
    source 15
    target 0
    kind "market"
    role "collateral"
    liquidation_threshold 0.9090909090909091
    liquidation_bonus 0
    close_factor 0.5
    full_close_health 0.95
    routing "weight"
  ]
  edge
  [
    source 15
    target 10
    kind "uses_oracle"
    role "collateral"
  ]
  edge
  [
    source 15
    target 6
    kind "routes"
    weight 1
  ]
  edge
  [
    source 15
    target 3
    kind "market"
    role "debt"
  ]
  edge
  [
    source 15
    target 9
    kind "uses_oracle"
    role "debt"
  ]
]
