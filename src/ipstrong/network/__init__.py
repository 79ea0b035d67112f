"""The service network and public satisfaction (issue 23): service agencies and their activity, information service
points and workstations, practitioners and IP-engineer titles, talent–carrier matching, and the satisfaction survey."""
