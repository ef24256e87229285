"""The shared layer under the stages: what every stage uses and no stage owns."""
