"""The front ends over the services: the command line, the scheduler process, the web desk."""
