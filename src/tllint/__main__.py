from tllint.cli import main

raise SystemExit(main())
