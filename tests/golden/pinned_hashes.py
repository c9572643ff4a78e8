#!/usr/bin/python3
"""Pinned results: every dataset of three run files against a checked-in hash.

The thread and rank tests compare a build's runs with each other, so a change
that moves every thread count alike passes them. This test compares each
dataset of the run files of graphs/demo.yaml and two scenarios that use most
mechanisms (tests/data/network_mechanisms.yaml: breakers, dynamic penalties,
keeper economics, Dutch auctions, a stability pool, presets;
tests/data/partition_cross_perp.yaml: cross margin, perps, receipt tokens)
with a constant: the SHA-256 of its type, shape and bytes, and of the
resolved scenario the file records. Tolerance: none, bit for bit.

    pinned_hashes.py LIQNET [--threads N]   # check (exit 1 naming each dataset that moved)
    pinned_hashes.py LIQNET --print         # the table for a deliberate change of results

A deliberate change of results updates PINNED in its own commit, whose message
says which datasets moved and why.
"""
import argparse
import hashlib
import pathlib
import subprocess
import sys
import tempfile

import h5py
import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCENARIOS = ["graphs/demo.yaml", "tests/data/network_mechanisms.yaml",
             "tests/data/partition_cross_perp.yaml"]

# scenario -> dataset -> first 16 hex digits of the SHA-256 (dataset_hash).
PINNED = {
    "graphs/demo.yaml": {
        "@scenario": "3cacc5dc30d3762a",
        "adversary_flash_fee": "825db8fe6942351d",
        "adversary_liquidation_profit": "825db8fe6942351d",
        "adversary_liquidations": "9fb1291618d5e312",
        "adversary_profit": "825db8fe6942351d",
        "adversary_round_trip": "825db8fe6942351d",
        "amplification": "dc4e37e1e31f48c4",
        "asset": "8b33be0e7420c8b0",
        "bad_debt": "d4bdd1e02ef25c30",
        "breaker_rounds": "9014ff2c922756f0",
        "cascade_length": "69e43187dbe630c5",
        "collateral_value": "dccc36aeba00cc4e",
        "contagion/betweenness": "7e9aa2083e24b77c",
        "contagion/cluster": "ba553f9413e2fef9",
        "contagion/cluster_size": "d712270846be908c",
        "contagion/degree": "ac15a47c86762fa3",
        "contagion/distance": "9014ff2c922756f0",
        "contagion/failed": "2b49756a6a9d056e",
        "contagion/failed_cluster": "9014ff2c922756f0",
        "contagion/failed_protocols": "3ce1e37cb157d299",
        "contagion/first_failure_round": "f033d5c1a1f14887",
        "contagion/largest_cluster": "3ce1e37cb157d299",
        "contagion/link": "129d7c8430eea69d",
        "contagion/link_from": "e6bc85c89d73d42b",
        "contagion/link_to": "e28998204efe235c",
        "contagion/link_weight": "5385291748df7cfb",
        "contagion/pagerank": "2a97ed6c168c625a",
        "contagion/protocol": "26c8e25afa23cdfc",
        "contagion/reach": "c0697e8c427a4a5f",
        "contagion/shared_assets": "10ce16eaf519e69f",
        "contagion/shared_oracles": "10ce16eaf519e69f",
        "contagion/shared_pools": "10ce16eaf519e69f",
        "contagion/shared_tokens": "9014ff2c922756f0",
        "contagion/source": "2b49756a6a9d056e",
        "contagion/source_protocols": "3ce1e37cb157d299",
        "contagion/strength": "31e04794345b3147",
        "debt_value": "836e7372d6419018",
        "deficit": "31280a90fb2d0941",
        "ecosystem_adl_volume": "c59d3c29186297cb",
        "events/auction": "55ae42cc1e37a5eb",
        "events/auction_account": "55ae42cc1e37a5eb",
        "events/auction_bids": "55ae42cc1e37a5eb",
        "events/auction_end_round": "55ae42cc1e37a5eb",
        "events/auction_id": "55ae42cc1e37a5eb",
        "events/auction_kick_round": "55ae42cc1e37a5eb",
        "events/auction_lot": "64578373a8a80ad1",
        "events/auction_protocol": "4140b37eb3918e84",
        "events/auction_sold_lot": "64578373a8a80ad1",
        "events/auction_tab": "64578373a8a80ad1",
        "events/auction_winning_bid": "64578373a8a80ad1",
        "events/auction_zero_bid": "ce9a4ced90b6c292",
        "events/borrower_action": "55ae42cc1e37a5eb",
        "events/borrower_action_account": "55ae42cc1e37a5eb",
        "events/borrower_action_amount": "64578373a8a80ad1",
        "events/borrower_action_gas_paid": "64578373a8a80ad1",
        "events/borrower_action_value": "64578373a8a80ad1",
        "events/borrower_action_included": "ce9a4ced90b6c292",
        "events/borrower_action_kind": "4140b37eb3918e84",
        "events/borrower_action_protocol": "4140b37eb3918e84",
        "events/borrower_action_round": "55ae42cc1e37a5eb",
        "events/liquidation": "367d1e13f59bdc37",
        "events/liquidation_account": "6451f3c1fb05a175",
        "events/liquidation_builder_share": "0df55bb4300cc380",
        "events/liquidation_gas_paid": "46f4014c75d06ae1",
        "events/liquidation_keeper": "3db656e683a12d9a",
        "events/liquidation_price": "64edad47cbb71e69",
        "events/liquidation_protocol": "e09f960489453f69",
        "events/liquidation_repaid_value": "219d9ada84b229ca",
        "events/liquidation_round": "87e7d0905d9636f5",
        "events/liquidation_seized_value": "d02c2ba11aeb7e50",
        "exogenous_drawdown": "186f6206d182ca6f",
        "exogenous_price": "cc21523738457566",
        "failed_protocols": "3ce1e37cb157d299",
        "final_auction_bad_debt": "7e9aa2083e24b77c",
        "final_auction_tab": "7e9aa2083e24b77c",
        "final_bad_debt": "cd43e7b0be23f844",
        "final_deficit": "9b4ff7d329e18044",
        "final_impairment": "7e9aa2083e24b77c",
        "first_failure_round": "f033d5c1a1f14887",
        "first_liquidation_round": "9c989e59a5776583",
        "holdings_value": "98729f6093a112e0",
        "impairment": "98729f6093a112e0",
        "insurance_drawdown": "82d83683d4f35715",
        "insurance_fund": "94b437b9e659c970",
        "last_exogenous_move_round": "9c989e59a5776583",
        "last_liquidation_round": "22d6fe2c840107ec",
        "liquidated_value": "71a74fd884f2c6cb",
        "liquidations": "81b96ae6c0be37bf",
        "oracle": "88b706fcab678805",
        "oracle_drawdown": "c0d29502433232a7",
        "oracle_price": "ddc533196800c364",
        "peak_liquidated_value": "6004095cffd85a2f",
        "peak_liquidation_round": "229492ff002446dc",
        "peak_penalty_scale": "195a4091fa813370",
        "pool": "bce55a1a4bdc3481",
        "pool_price": "9fac268df759dcbf",
        "pool_reserve0": "de99b5163fee4f5c",
        "pool_reserve1": "e7a40878cdf4bd5a",
        "protocol": "26c8e25afa23cdfc",
        "recovery_rounds": "9014ff2c922756f0",
        "redemption": "89c9062fce9085cd",
        "reference_price": "fdcf696c1426bd5f",
        "repaid_value": "838268cab2261202",
        "round": "e069e5bc9631778e",
        "seized_value": "d4bcad43dc14e590",
        "stalled": "e0ef146cd449e4dd",
        "total_adl_volume": "7e9aa2083e24b77c",
        "total_auction_raised": "7e9aa2083e24b77c",
        "total_auction_sold_value": "7e9aa2083e24b77c",
        "total_auctions": "9014ff2c922756f0",
        "total_bad_debt": "e3e293833a07de5f",
        "total_deficit": "99ca15bd450f462e",
        "total_keeper_rewards": "7e9aa2083e24b77c",
        "total_liquidated_value": "059038b38cbbf411",
        "total_liquidations": "524e3fc762ab7590",
        "total_redistributed_debt": "7e9aa2083e24b77c",
        "total_repaid_value": "af8cc802074e159d",
        "total_stability_gain": "7e9aa2083e24b77c",
        "total_stability_offset": "7e9aa2083e24b77c",
        "total_stalled": "6881e8db38690f2e",
    },
    "tests/data/network_mechanisms.yaml": {
        "@scenario": "2078e07426377350",
        "adversary_flash_fee": "825db8fe6942351d",
        "adversary_liquidation_profit": "825db8fe6942351d",
        "adversary_liquidations": "9fb1291618d5e312",
        "adversary_profit": "825db8fe6942351d",
        "adversary_round_trip": "825db8fe6942351d",
        "amplification": "bfd8ea24b8dbf8b8",
        "asset": "3655ae883301ad3e",
        "auction_bad_debt": "cb8c924b0c8199c9",
        "auction_raised": "4169fc6f9981e971",
        "auction_sold_value": "9a2104172cf19e6e",
        "auction_tab": "28fe15a37f0429e2",
        "auctions_active": "55d2a2de46b1dda3",
        "auctions_started": "c29bcedcfcf791b4",
        "bad_debt": "1f1cff2ecd53e45d",
        "breaker_active": "d50523f92d5f0af7",
        "breaker_rounds": "10655a60f09db2d5",
        "cascade_length": "947f52886dc91b39",
        "collateral_value": "a81c3cf9dc0a4e41",
        "contagion/betweenness": "2c2b58e8c1890478",
        "contagion/cluster": "ba553f9413e2fef9",
        "contagion/cluster_size": "ced9bbd5d152a7c2",
        "contagion/degree": "e4c92a39bb3712d5",
        "contagion/distance": "8df13fa048536944",
        "contagion/failed": "b389a41cb7bf3909",
        "contagion/failed_cluster": "cd39df91c428b9c4",
        "contagion/failed_protocols": "bfd8ec0ace239f48",
        "contagion/first_failure_round": "2a863fd7c195f672",
        "contagion/largest_cluster": "bfd8ec0ace239f48",
        "contagion/link": "9216519031b05e39",
        "contagion/link_from": "2a9755801804daf6",
        "contagion/link_to": "a168aaf0b74234f8",
        "contagion/link_weight": "558e59ca5e4d4c1e",
        "contagion/pagerank": "3354172d39ff7129",
        "contagion/protocol": "02cd439d90bf5e32",
        "contagion/reach": "c0697e8c427a4a5f",
        "contagion/shared_assets": "fbfb0ac887be9d07",
        "contagion/shared_oracles": "fbfb0ac887be9d07",
        "contagion/shared_pools": "fc0a93924d6f4805",
        "contagion/shared_tokens": "605f4fd3d5b04a85",
        "contagion/source": "d4efc9b5a7c5dd8b",
        "contagion/source_protocols": "4e2df591110e441a",
        "contagion/strength": "7b5be161ef42719f",
        "debt_value": "b3d3c1f2b84f4054",
        "deficit": "c5508e2e2f9b5d48",
        "ecosystem_adl_volume": "c59d3c29186297cb",
        "events/auction": "55ae42cc1e37a5eb",
        "events/auction_account": "55ae42cc1e37a5eb",
        "events/auction_bids": "55ae42cc1e37a5eb",
        "events/auction_end_round": "55ae42cc1e37a5eb",
        "events/auction_id": "55ae42cc1e37a5eb",
        "events/auction_kick_round": "55ae42cc1e37a5eb",
        "events/auction_lot": "64578373a8a80ad1",
        "events/auction_protocol": "4140b37eb3918e84",
        "events/auction_sold_lot": "64578373a8a80ad1",
        "events/auction_tab": "64578373a8a80ad1",
        "events/auction_winning_bid": "64578373a8a80ad1",
        "events/auction_zero_bid": "ce9a4ced90b6c292",
        "events/borrower_action": "55ae42cc1e37a5eb",
        "events/borrower_action_account": "55ae42cc1e37a5eb",
        "events/borrower_action_amount": "64578373a8a80ad1",
        "events/borrower_action_gas_paid": "64578373a8a80ad1",
        "events/borrower_action_value": "64578373a8a80ad1",
        "events/borrower_action_included": "ce9a4ced90b6c292",
        "events/borrower_action_kind": "4140b37eb3918e84",
        "events/borrower_action_protocol": "4140b37eb3918e84",
        "events/borrower_action_round": "55ae42cc1e37a5eb",
        "events/liquidation": "6c21ab1caa0634c2",
        "events/liquidation_account": "4c0c7f6a7947c884",
        "events/liquidation_builder_share": "a603a3d18826559b",
        "events/liquidation_gas_paid": "44d942967c82eee8",
        "events/liquidation_keeper": "038ac6ad61a6a663",
        "events/liquidation_price": "17317603a5680c23",
        "events/liquidation_protocol": "caff4b0f43dba93c",
        "events/liquidation_repaid_value": "b64e0afc35ee2272",
        "events/liquidation_round": "a76bf4417eaa3664",
        "events/liquidation_seized_value": "c675cb61f9d12e4a",
        "exogenous_drawdown": "f5880364692ac10a",
        "exogenous_price": "d814019cc272efa1",
        "failed_protocols": "bfd8ec0ace239f48",
        "final_auction_bad_debt": "378cacfbdc62b277",
        "final_auction_tab": "2953b0fcdb7d5a80",
        "final_bad_debt": "613f0b635ff021aa",
        "final_deficit": "a5d0049cc3e89d88",
        "final_impairment": "2c2b58e8c1890478",
        "first_failure_round": "2a863fd7c195f672",
        "first_liquidation_round": "e998aa39cee32e23",
        "gas_cost": "aa0120e7f3251c78",
        "holdings_value": "439cde61337c2c21",
        "impairment": "439cde61337c2c21",
        "insurance_drawdown": "e891a5e0868b24b4",
        "insurance_fund": "61dcee89bfb2fc04",
        "keeper_rewards": "6faae169188aa320",
        "last_exogenous_move_round": "e998aa39cee32e23",
        "last_liquidation_round": "921e251521982e7d",
        "liquidated_value": "3c9c4783a0c1ab89",
        "liquidations": "09f751584e2b9ba4",
        "oracle": "41b649a7a47642dd",
        "oracle_drawdown": "3eddb6004ce6efa5",
        "oracle_price": "908c12bb40f157e3",
        "peak_liquidated_value": "e8ee3612f0bff1de",
        "peak_liquidation_round": "3ce1e37cb157d299",
        "peak_penalty_scale": "f6e494da8cd9536e",
        "penalty_scale": "af7cf236699b947f",
        "pool": "dbb4d13d1da9fbae",
        "pool_price": "306b819c4bcff94c",
        "pool_reserve0": "b962572eef4c4b38",
        "pool_reserve1": "c6a3cf05d9da62a9",
        "protocol": "02cd439d90bf5e32",
        "recovery_mode": "bbf60d4c9ff068b9",
        "recovery_rounds": "2e0a045d6d875225",
        "redemption": "7d67671b03ef8338",
        "redistributed_collateral": "439cde61337c2c21",
        "redistributed_debt": "439cde61337c2c21",
        "reference_price": "f52a8179a2530b77",
        "repaid_value": "bc64666daf1820fc",
        "round": "4385d01fca42b25a",
        "seized_value": "a84b9b7fdf967e00",
        "stability_collateral": "e43d3d1fa5bbef63",
        "stability_deposits": "99a11923f8c44f7e",
        "stability_offset": "b7cfeb4de060f7c5",
        "stability_sold": "4bb6863810e4232f",
        "stability_surplus": "16b43159ec416100",
        "stalled": "03f3a89f780e159f",
        "tcr": "5164e429b4916571",
        "total_adl_volume": "2c2b58e8c1890478",
        "total_auction_raised": "0a2a1a50fe1f1cf2",
        "total_auction_sold_value": "76686cf845f0a06a",
        "total_auctions": "2bccfeeb2a31840a",
        "total_bad_debt": "e06ad2963ed175b5",
        "total_deficit": "043d1b0b6d723ec7",
        "total_keeper_rewards": "875f650d068ad8df",
        "total_liquidated_value": "90aed664201c0f99",
        "total_liquidations": "922b0b7705b48fcc",
        "total_redistributed_debt": "2c2b58e8c1890478",
        "total_repaid_value": "74e21ac37884698f",
        "total_stability_gain": "bbbdd0492d78949a",
        "total_stability_offset": "0c9f523210e34a5e",
        "total_stalled": "c6865938b772f625",
    },
    "tests/data/partition_cross_perp.yaml": {
        "@scenario": "b22f0968a2db33ac",
        "adl_count": "943b16f6391995f0",
        "adl_covered": "78a8fd9af18add93",
        "adl_volume": "1ac8acc12e8ad415",
        "adversary_flash_fee": "87ebea0d774830d3",
        "adversary_liquidation_profit": "a8f0ade84316e577",
        "adversary_liquidations": "c1bdf0a8851d4646",
        "adversary_profit": "c5ef6964d815b8fb",
        "adversary_round_trip": "381cb1bd8409cae6",
        "amplification": "e641e8b6d0b6f97c",
        "asset": "5e34ca88e7c17e79",
        "bad_debt": "786fc18f2814d34a",
        "breaker_active": "0434390e5b5f56c2",
        "breaker_rounds": "9014ff2c922756f0",
        "cascade_length": "3ce1e37cb157d299",
        "collateral_value": "221a37cca8e72750",
        "contagion/betweenness": "7e9aa2083e24b77c",
        "contagion/cluster": "e54cef6dddc97f4a",
        "contagion/cluster_size": "1479cfe8a0ab9eb0",
        "contagion/degree": "e9b441922bd9c927",
        "contagion/distance": "7e83fd01cf18a407",
        "contagion/failed": "2b49756a6a9d056e",
        "contagion/failed_cluster": "e6bc85c89d73d42b",
        "contagion/failed_protocols": "3ce1e37cb157d299",
        "contagion/first_failure_round": "1554e0f5c96a0631",
        "contagion/largest_cluster": "02d3fe94c4d72a09",
        "contagion/link": "ba553f9413e2fef9",
        "contagion/link_from": "ba553f9413e2fef9",
        "contagion/link_to": "6e5fe855a431ec85",
        "contagion/link_weight": "c0c6b4d9dae18f6d",
        "contagion/pagerank": "3f46b4aadc589886",
        "contagion/protocol": "9ede9013c4ea7aae",
        "contagion/reach": "c0697e8c427a4a5f",
        "contagion/shared_assets": "4f10b8495fcada0f",
        "contagion/shared_oracles": "4f10b8495fcada0f",
        "contagion/shared_pools": "4f10b8495fcada0f",
        "contagion/shared_tokens": "6e5fe855a431ec85",
        "contagion/source": "2ee75372ad07cb03",
        "contagion/source_protocols": "02d3fe94c4d72a09",
        "contagion/strength": "7cf0d953e76da715",
        "cross_debt_value": "19d30a1ca39f1848",
        "cross_liquidations": "11af9c69a25c5709",
        "debt_value": "e2aebe6f8f2bef13",
        "deficit": "783982a8e6253f17",
        "ecosystem_adl_volume": "39fabb9eb6c115e3",
        "events/auction": "55ae42cc1e37a5eb",
        "events/auction_account": "55ae42cc1e37a5eb",
        "events/auction_bids": "55ae42cc1e37a5eb",
        "events/auction_end_round": "55ae42cc1e37a5eb",
        "events/auction_id": "55ae42cc1e37a5eb",
        "events/auction_kick_round": "55ae42cc1e37a5eb",
        "events/auction_lot": "64578373a8a80ad1",
        "events/auction_protocol": "4140b37eb3918e84",
        "events/auction_sold_lot": "64578373a8a80ad1",
        "events/auction_tab": "64578373a8a80ad1",
        "events/auction_winning_bid": "64578373a8a80ad1",
        "events/auction_zero_bid": "ce9a4ced90b6c292",
        "events/borrower_action": "55ae42cc1e37a5eb",
        "events/borrower_action_account": "55ae42cc1e37a5eb",
        "events/borrower_action_amount": "64578373a8a80ad1",
        "events/borrower_action_gas_paid": "64578373a8a80ad1",
        "events/borrower_action_value": "64578373a8a80ad1",
        "events/borrower_action_included": "ce9a4ced90b6c292",
        "events/borrower_action_kind": "4140b37eb3918e84",
        "events/borrower_action_protocol": "4140b37eb3918e84",
        "events/borrower_action_round": "55ae42cc1e37a5eb",
        "events/liquidation": "df9ce8f78eefc1bd",
        "events/liquidation_account": "1d8bcd7761be92c9",
        "events/liquidation_builder_share": "52c857a254dec89a",
        "events/liquidation_gas_paid": "1cc03f9ee95f27e9",
        "events/liquidation_keeper": "02d3745bd6cbeab5",
        "events/liquidation_price": "4ec1197a1c2cd55a",
        "events/liquidation_protocol": "39ff5b74454f6856",
        "events/liquidation_repaid_value": "0a289eb9356088e1",
        "events/liquidation_round": "36c0fa39d78f3fb6",
        "events/liquidation_seized_value": "106a6b9fdf88e165",
        "exogenous_drawdown": "3afa305c8c9e9696",
        "exogenous_price": "e8091ead518cb3b4",
        "failed_protocols": "3ce1e37cb157d299",
        "final_auction_bad_debt": "7e9aa2083e24b77c",
        "final_auction_tab": "7e9aa2083e24b77c",
        "final_bad_debt": "6cb43c1eca38c5d9",
        "final_deficit": "bf41e2d22e624ea8",
        "final_impairment": "7e9aa2083e24b77c",
        "first_failure_round": "1554e0f5c96a0631",
        "first_liquidation_round": "fa40d21b6c828185",
        "gas_cost": "06c94699293cbcd7",
        "holdings_value": "a8b3935ebd4be431",
        "impairment": "5bbd5b45d242ae0b",
        "insurance_drawdown": "2b83d76a8c5ef78b",
        "insurance_fund": "5ea6a0321fd76f65",
        "last_exogenous_move_round": "fa40d21b6c828185",
        "last_liquidation_round": "aea2f3e95400d43b",
        "liquidated_notional": "520f1571dd2d7e9e",
        "liquidated_value": "3523f7d82b349284",
        "liquidations": "4e4f42e5f813ef1c",
        "open_interest_long": "ef23b5bb2d16b02c",
        "open_interest_short": "a35fa3d73adbe3e3",
        "oracle": "8180107773c067ae",
        "oracle_drawdown": "cbe93dc45c383cf2",
        "oracle_price": "138e0a9f8ebe028f",
        "peak_liquidated_value": "0c4e76b41b49b123",
        "peak_liquidation_round": "3ce1e37cb157d299",
        "peak_penalty_scale": "195a4091fa813370",
        "penalty_scale": "6a1dc137317b58d3",
        "perp_liquidations": "9ec57ff8c1c1da3d",
        "pool": "6a5e909a9453b9a8",
        "pool_price": "46fb0c2d8202e9e1",
        "pool_reserve0": "6dbfb4fa4bbf87aa",
        "pool_reserve1": "1e8ced023ee9b15a",
        "protocol": "9ede9013c4ea7aae",
        "recovery_rounds": "9014ff2c922756f0",
        "redemption": "82d13df76e147af5",
        "reference_price": "2e31ac5d117443a7",
        "repaid_value": "9799f62d20fb1297",
        "round": "3af2fa752bff34e5",
        "seized_value": "fb810c95627f15b9",
        "stalled": "7d1d9b67603998c0",
        "total_adl_volume": "3e10f12a34dae841",
        "total_auction_raised": "7e9aa2083e24b77c",
        "total_auction_sold_value": "7e9aa2083e24b77c",
        "total_auctions": "9014ff2c922756f0",
        "total_bad_debt": "8a7ab573f14bf8ed",
        "total_deficit": "045f4f1964a37d9d",
        "total_keeper_rewards": "7e9aa2083e24b77c",
        "total_liquidated_value": "607a7df5c2f64ec2",
        "total_liquidations": "2e3be27f5da3c54c",
        "total_redistributed_debt": "7e9aa2083e24b77c",
        "total_repaid_value": "9fb4cb0af15b8fe7",
        "total_stability_gain": "7e9aa2083e24b77c",
        "total_stability_offset": "7e9aa2083e24b77c",
        "total_stalled": "405fa32aca18f9d6",
    },
}


def dataset_hash(value):
    h = hashlib.sha256()
    a = np.asarray(value)
    h.update(f"{a.dtype.str if a.dtype.kind != 'O' else 'O'}{a.shape}".encode())
    if a.dtype.kind == "O":
        for item in a.ravel():
            h.update(item if isinstance(item, bytes) else str(item).encode())
            h.update(b"\0")
    else:
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()[:16]


def file_hashes(path):
    out = {}
    with h5py.File(path, "r") as f:
        out["@scenario"] = dataset_hash(np.asarray(f.attrs["scenario"]))

        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                out[name] = dataset_hash(obj[()])
        f.visititems(visit)
    return out


def run(liqnet, scenario, threads, out):
    subprocess.run([liqnet, "run", str(ROOT / scenario), "-o", out, "--force", "--quiet",
                    "--threads", str(threads)], check=True)
    return file_hashes(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("liqnet")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--print", action="store_true", help="print the PINNED table")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        got = {s: run(args.liqnet, s, args.threads, f"{tmp}/{pathlib.Path(s).stem}.h5")
               for s in SCENARIOS}
    if args.print:
        print("PINNED = {")
        for s in SCENARIOS:
            print(f'    "{s}": {{')
            for k in sorted(got[s]):
                print(f'        "{k}": "{got[s][k]}",')
            print("    },")
        print("}")
        return 0
    moved = []
    for s in SCENARIOS:
        want = PINNED.get(s, {})
        for k in sorted(set(want) | set(got[s])):
            if k not in got[s]:
                moved.append(f"{s}: {k}: pinned but no longer written")
            elif k not in want:
                moved.append(f"{s}: {k}: written but not pinned")
            elif got[s][k] != want[k]:
                moved.append(f"{s}: {k}: hash {got[s][k]}, pinned {want[k]}")
    for line in moved:
        print(line)
    n = sum(len(v) for v in got.values())
    print(f"{n} datasets of {len(SCENARIOS)} run files with {args.threads} threads: "
          f"{len(moved)} differ from the pinned hashes")
    return 1 if moved else 0


if __name__ == "__main__":
    sys.exit(main())
