from .cli import main

# The guard matters: worker processes started with "spawn" (Windows, macOS) import the main
# module again as __mp_main__, and must not run the command a second time.
if __name__ == "__main__":
    raise SystemExit(main())
