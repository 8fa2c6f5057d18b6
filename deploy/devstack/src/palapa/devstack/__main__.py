from .up import main

main()
