from tools.zoo import main

main()
